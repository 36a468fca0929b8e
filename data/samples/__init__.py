"""gongkai.data.samples"""
